/**
 * The integration console: one health view over every connector (webhooks both ways, watched
 * folders, EDI partners, inbox sources, outbox subscribers) with a derived status. Acting on what it
 * shows — replaying, editing and discarding messages — is done on the inbox, webhook and outbox
 * routes. See docs/integrations.md.
 */
export { createIntegrationConsole, type IntegrationConsole, type ConsoleDeps, type ConsoleScope } from './console.service.ts';
export { registerConsoleRoutes } from './console.routes.ts';
export { deriveStatus, visibleTo, type HealthFacts, type StatusVerdict } from './console.rules.ts';
export type { Connector, ConnectorDetail, ConnectorKind, ConnectorList, ConnectorStatus } from './console.types.ts';
