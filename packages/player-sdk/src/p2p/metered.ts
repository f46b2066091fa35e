interface NetworkInformationLike {
  saveData?: boolean;
  type?: string;
}

/**
 * Whether the viewer's connection is metered: data saver on, or a cellular link.
 * Uploading segments there would spend the viewer's data, so the engine stays consume-only.
 */
export function isMeteredConnection(): boolean {
  const nav = (globalThis as { navigator?: { connection?: NetworkInformationLike } }).navigator;
  const connection = nav?.connection;
  if (!connection) return false;
  return connection.saveData === true || connection.type === 'cellular';
}
