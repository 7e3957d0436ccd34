/** Messages of the conflicts area (see src/ui/messages.ts). */
export const conflictMessages = {};
