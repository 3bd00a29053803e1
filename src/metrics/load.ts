/**
 * prom-client is an optional peer dependency: servers without metrics never load it. It is imported here, once,
 * when a server with metrics starts, so a missing package stops startup with the command that fixes it.
 */
export type PromClient = typeof import('prom-client');

export async function loadPromClient(): Promise<PromClient> {
  try {
    return await import('prom-client');
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    if (code === 'ERR_MODULE_NOT_FOUND' && message.includes("'prom-client'")) {
      throw new Error('Task metrics need the prom-client package: npm install prom-client', { cause: error });
    }
    throw error;
  }
}
