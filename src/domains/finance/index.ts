export * from './finance.types.ts';
export { createInvoiceService, type InvoiceService, type IssueInvoiceInput, type InvoiceListQuery } from './invoices.service.ts';
export { registerInvoiceRoutes } from './invoices.routes.ts';
export { createCreditMemoService, type CreditMemoService, type IssueCreditMemoInput } from './credit-memos.service.ts';
export { registerCreditMemoRoutes } from './credit-memos.routes.ts';
export { creditUpdateSchema, type CreditUpdate, type ReceivableAdjustment } from './credit.types.ts';
export { createReceivablesService, type ReceivablesService, type RecordedAdjustment } from './receivables.service.ts';
export { createCreditUpdateService, type CreditClaim, type CreditUpdateService } from './credit.service.ts';
