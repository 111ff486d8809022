import { access } from '../auth/roles.ts';
import { AppError } from '../errors.ts';
import type { HttpApp } from './types.ts';
import { uiBundle } from './ui.bundle.ts';

/**
 * The operations dashboard: a single-page application under `/app/` that talks only to the public
 * API with the signed-in user's key or token. Its assets hold no data, so they are public; every
 * request the page makes is checked like any other client's.
 */
export function registerUiRoutes(app: HttpApp): void {
  const hidden = { hide: true, tags: ['system'] };
  app.get('/', { config: { access: access.public }, schema: hidden }, async (_request, reply) => reply.redirect('/app/'));
  const page = async (_request: unknown, reply: import('fastify').FastifyReply) => {
    const bundle = await uiBundle();
    return reply.header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-cache').send(bundle.html);
  };
  app.get('/app', { config: { access: access.public }, schema: hidden }, async (_request, reply) => reply.redirect('/app/'));
  app.get('/app/', { config: { access: access.public }, schema: hidden }, page);
  app.get('/app/assets/:file', { config: { access: access.public }, schema: hidden }, async (request, reply) => {
    const bundle = await uiBundle();
    const file = (request.params as { file: string }).file;
    const match = /^app\.([0-9a-f]+)\.(js|css)$/.exec(file);
    if (!match || match[1] !== bundle.version) throw new AppError('not_found', `no asset ${file}; reload the page for the current build`);
    const immutable = 'public, max-age=31536000, immutable';
    if (match[2] === 'js') return reply.header('content-type', 'text/javascript; charset=utf-8').header('cache-control', immutable).send(bundle.js);
    return reply.header('content-type', 'text/css; charset=utf-8').header('cache-control', immutable).send(bundle.css);
  });
}
