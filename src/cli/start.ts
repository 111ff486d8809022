import { buildApp } from '../app.ts';
import type { Config } from '../config.ts';
import { describeStore, openRuntime } from './runtime.ts';

/** Starts the hub: migrate, build, start the background loops, listen, and close cleanly on a signal. */
export async function startCommand(config: Config): Promise<void> {
  const deps = await openRuntime(config);
  const app = await buildApp(config, deps);

  if (config.auth.bootstrapAdminKey && (await app.services.keys.countActive()) === 0) {
    const { key, secret } = await app.services.keys.create({ name: 'bootstrap admin', roles: ['admin'] });
    console.log(
      [
        '',
        'No API key existed, so an admin key was created. It is shown once and never again:',
        '',
        `  ${secret}`,
        '',
        `  (key id ${key.id}; revoke it with \`crossdock keys revoke ${key.id}\` once you have made your own)`,
        '',
      ].join('\n'),
    );
  }

  app.startWorkers();
  const address = await app.http.listen({ host: config.http.host, port: config.http.port });
  // The process log is read into memory in the background, so that the first KPI query after a
  // start does not wait for it (minutes at tens of millions of events).
  void app.services.process.prepareQueries().catch((error: unknown) => app.http.log.warn({ err: error }, 'reading the process log into memory failed; the next KPI query reads it again'));
  console.log(
    [
      `Crossdock is running on ${describeStore(config)}.`,
      `  Dashboard      ${address}/app/`,
      `  API            ${address}/v1`,
      `  API docs       ${address}/docs   (OpenAPI document: ${address}/openapi.json)`,
      `  Health         ${address}/healthz  ${address}/readyz`,
      `  Metrics        ${address}/metrics`,
      'Press Ctrl+C to stop.',
    ].join('\n'),
  );

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`\n${signal} received; finishing in-flight work and closing.`);
    try {
      await app.close();
      await deps.store.close();
      process.exit(0);
    } catch (error) {
      console.error('shutdown failed:', error);
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}
