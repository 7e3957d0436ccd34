/** Messages of the locks area (see src/ui/messages.ts). */
export const lockMessages = {};
