export { SecretEventKind } from './event-kinds';
export * from './secret-access-monitor';
