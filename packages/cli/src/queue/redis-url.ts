/**
 * `--queue redis://[user:password@]host:port[/db]` (or `rediss://` for TLS): parsed strictly, so a
 * typo is a usage error naming the flag instead of a connection that retries forever.
 */
import { Redis } from 'ioredis';
import { UsageError } from '../args.js';

export interface RedisTarget {
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly username?: string;
  readonly password?: string;
  readonly tls: boolean;
  /** The URL without its password, for messages. */
  readonly display: string;
}

export function parseRedisUrl(raw: string, flag = 'queue'): RedisTarget {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--${flag} must be a URL redis://host:port[/db], got '${raw}'`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new UsageError(`--${flag} must start with redis:// or rediss://, got '${url.protocol}//'`);
  }
  if (!url.hostname) throw new UsageError(`--${flag} needs a host: redis://host:port[/db]`);
  const port = url.port === '' ? 6379 : Number(url.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`--${flag}: bad port '${url.port}'`);
  const path = url.pathname.replace(/^\/+/, '');
  if (path !== '' && !/^\d{1,5}$/.test(path)) {
    throw new UsageError(`--${flag}: the path must be a database number (redis://host:port/0), got '/${path}'`);
  }
  if (url.search || url.hash) throw new UsageError(`--${flag}: no query or fragment expected in '${raw}'`);
  const db = path === '' ? 0 : Number(path);
  const username = url.username ? decodeURIComponent(url.username) : undefined;
  const password = url.password ? decodeURIComponent(url.password) : undefined;
  const auth = username ? `${username}${password ? ':***' : ''}@` : password ? ':***@' : '';
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return {
    host,
    port,
    db,
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
    tls: url.protocol === 'rediss:',
    display: `${url.protocol}//${auth}${url.host}/${db}`,
  };
}

/**
 * An ioredis connection as BullMQ wants it (maxRetriesPerRequest: null: blocking commands wait
 * through reconnects). `failFast` (the submitting side) gives up after a few refused connects
 * with an error naming the server, instead of retrying forever.
 */
export function connectRedis(target: RedisTarget, options: { failFast?: boolean } = {}): Redis {
  return new Redis({
    host: target.host,
    port: target.port,
    db: target.db,
    ...(target.username ? { username: target.username } : {}),
    ...(target.password ? { password: target.password } : {}),
    ...(target.tls ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
    lazyConnect: true,
    retryStrategy: (times: number) => (options.failFast && times > 5 ? null : Math.min(200 * 2 ** times, 5000)),
  });
}

/** Connect now; a refused or unreachable server is an Error naming it. */
export async function openRedis(target: RedisTarget, options: { failFast?: boolean } = {}): Promise<Redis> {
  const redis = connectRedis(target, options);
  redis.on('error', () => undefined); // reported by connect() / the command that fails
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    redis.disconnect();
    const why = err instanceof Error ? err.message : String(err);
    throw new Error(`cannot reach the queue's Redis server at ${target.display}: ${why}`);
  }
  return redis;
}
