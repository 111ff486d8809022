export { createTimerService, type TimerService, type TimerDeps } from './timers.service.ts';
export { registerTimerRoutes } from './timers.routes.ts';
export { timerStatuses, type Timer, type TimerHandler, type TimerStatus, type ScheduleInput, type FireReport } from './timers.types.ts';
