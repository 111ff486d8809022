import { refusePartnerScopedKeys } from '../auth/partner-scope.ts';
import { access } from '../auth/roles.ts';
import { errorResponseSchema } from '../http/error-handler.ts';
import type { HttpApp } from '../http/types.ts';
import { pageQuerySchema, pageSchema } from '../pagination.ts';
import type { TimerService } from './timers.service.ts';
import { listTimersQuerySchema, timerSchema } from './timers.types.ts';

export function registerTimerRoutes(app: HttpApp, timers: TimerService): void {
  app.get(
    '/v1/timers',
    {
      config: { access: access.roles('integration', 'viewer') },
      schema: {
        tags: ['messaging'],
        summary: 'Durable timers by due time, for operators: what will fire, what fired, what keeps failing',
        querystring: listTimersQuerySchema.extend(pageQuerySchema.shape).strict(),
        response: { 200: pageSchema(timerSchema), 400: errorResponseSchema, 403: errorResponseSchema },
      },
      // Timers are the operators' view across every order and return; they carry no partner.
      preHandler: refusePartnerScopedKeys('the timer list'),
    },
    async (request) => timers.list(request.query),
  );
}
