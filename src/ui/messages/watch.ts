/** Messages of the watch area (see src/ui/messages.ts). */
export const watchMessages = {};
