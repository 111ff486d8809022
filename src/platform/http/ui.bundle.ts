import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** The dashboard's sources, beside the hub's: `web/` at the repository root. */
export const webRoot = fileURLToPath(new URL('../../../web/', import.meta.url));

export interface UiBundle {
  html: string;
  js: string;
  css: string;
  /** A content hash, so the browser may cache the assets for good and a new build is fetched anew. */
  version: string;
}

let building: Promise<UiBundle> | null = null;

/**
 * Builds the dashboard in memory with esbuild on first use and keeps it for the life of the process.
 * Building at run time keeps generated files out of git and means `npm install && npm start` needs
 * no separate build step; it takes well under a second, and only a hub that serves the UI pays it.
 */
export function uiBundle(): Promise<UiBundle> {
  building ??= build().catch((error: unknown) => {
    building = null; // A failed build is retried on the next request rather than cached.
    throw error;
  });
  return building;
}

async function build(): Promise<UiBundle> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [`${webRoot}src/main.tsx`],
    bundle: true,
    write: false,
    outdir: 'out',
    format: 'esm',
    target: ['chrome110', 'firefox110', 'safari16'],
    jsx: 'automatic',
    minify: true,
    sourcemap: false,
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  const js = result.outputFiles.find((f) => f.path.endsWith('.js'))?.text ?? '';
  const css = [await readFile(`${webRoot}src/styles.css`, 'utf8'), result.outputFiles.find((f) => f.path.endsWith('.css'))?.text ?? ''].join('\n');
  const version = createHash('sha256').update(js).update(css).digest('hex').slice(0, 12);
  const html = (await readFile(`${webRoot}index.html`, 'utf8')).replaceAll('{{version}}', version);
  return { html, js, css, version };
}
