/**
 * A start-up problem the person at the terminal can fix (a port taken, redis-server missing,
 * another instance running). main prints its message alone, without a stack: the message names
 * the setting or the command that fixes it.
 */
export class StartupError extends Error {}
