export { SecretEventKind } from './event-kinds';
export * from './monitor-props';
export * from './secret-access-monitor';
