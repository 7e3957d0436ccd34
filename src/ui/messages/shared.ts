/** Messages of the shared area (see src/ui/messages.ts). */
export const sharedMessages = {};
