/** Messages of the hooks area (see src/ui/messages.ts). */
export const hookMessages = {};
