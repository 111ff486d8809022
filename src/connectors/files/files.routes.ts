import { z } from 'zod';
import { refusePartnerScopedKeys } from '../../platform/auth/partner-scope.ts';
import { access } from '../../platform/auth/roles.ts';
import { errorResponseSchema } from '../../platform/http/error-handler.ts';
import type { HttpApp } from '../../platform/http/types.ts';
import type { FileConnector } from './files.service.ts';
import { folderHealthSchema } from './files.types.ts';

// Folder health names every partner's folders and their paths on the hub's disk.
const notForPartners = refusePartnerScopedKeys('watched-folder health');

export function registerFileRoutes(app: HttpApp, files: FileConnector): void {
  app.get(
    '/v1/integrations/folders',
    {
      config: { access: access.roles('integration', 'viewer') },
      preHandler: notForPartners,
      schema: {
        tags: ['integrations'],
        summary: 'Health of each watched folder: files waiting, in work and in error, last success, last error, error count',
        description: 'Counts of files are read from the folders at the time of the request; outcomes come from the record of files taken, shared by every node.',
        response: { 200: z.object({ items: z.array(folderHealthSchema) }), 403: errorResponseSchema },
      },
    },
    async () => ({ items: await files.folderHealth() }),
  );
}
