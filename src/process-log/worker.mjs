// The process log's thread starts here: it registers the TypeScript loader for this thread, as
// bin/crossdock.js does for the process, then runs the worker. A worker does not inherit the loader
// the process registered with tsx's API.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
