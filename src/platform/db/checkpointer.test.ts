import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { openStore } from './store.ts';

test('with background checkpoints, committed pages reach the database file without a commit checkpointing, and close stops the thread', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'crossdock-checkpointer-'));
  const path = join(dir, 'hub.db');
  try {
    const store = openStore({ kind: 'sqlite', sqlitePath: path, backgroundCheckpoint: true });
    await sql`create table t (id integer primary key, v text)`.execute(store.db);
    const sizeBefore = statSync(path).size;
    for (let i = 0; i < 50; i++) await sql`insert into t (v) values (${'x'.repeat(4_000)})`.execute(store.db);
    // Far below the 16,384-page threshold at which a commit would checkpoint by itself: only the
    // background thread can have copied these pages into the file.
    let size = statSync(path).size;
    for (let tries = 0; tries < 100 && size <= sizeBefore + 100_000; tries++) {
      await sleep(50);
      size = statSync(path).size;
    }
    assert.ok(size > sizeBefore + 100_000, `the database file grew from ${sizeBefore} to ${size} bytes`);
    await store.close();

    const reopened = openStore({ kind: 'sqlite', sqlitePath: path });
    const { rows } = await sql<{ n: number }>`select count(*) as n from t`.execute(reopened.db);
    assert.equal(rows[0]!.n, 50, 'every committed row is there after the checkpointer stopped');
    await reopened.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
