/**
 * Watched folders: files claimed atomically from `in/`, read by a parser per kind into inbox
 * messages, then archived or moved to `error/` with a report. See docs/files.md.
 */
export { createFileConnector, type FileConnector, type FileConnectorDeps, type PollReport } from './files.service.ts';
export { registerFileRoutes } from './files.routes.ts';
export { fileKinds, type FileKind, type Folder } from './files.config.ts';
export type { FileLocation, FileMessage, FileParseItem, FileParser, FileProblem, FileReport, FolderHealth, IncomingFile } from './files.types.ts';
