/**
 * Run by accept-handles.ts as a child process: receives the listening socket's
 * raw handle and sends it back `count` times, each send a new descriptor in the
 * parent, then exits. It never listens on it, so it never accepts a connection.
 */
process.once("message", (message: unknown, handle: unknown) => {
  const count = (message as { count?: unknown } | null)?.count;
  if (typeof count !== "number" || !handle) process.exit(2);
  const send = process.send!.bind(process);
  for (let i = 0; i < count; i++) send("copy", handle as Parameters<typeof send>[1]);
  // Exits when the channel closes: the parent disconnects once every copy has arrived.
});
process.once("disconnect", () => process.exit(0));
