export * from './invoicing.module';
export { finishReservedIssue } from './commands/numbering.recovery';
export { renderPayApplication } from './documents/pay-application.pdf';
export { decodeLedgerEvent, decodeNumberingEvent } from './invoicing.events';
