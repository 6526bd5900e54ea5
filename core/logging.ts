import winston from 'winston';
import { redactText } from './secrets';

/** Keys whose values never reach a log line. */
const SECRET_KEYS = /pass(word)?|secret|token|sifre|şifre|cookie|authorization/i;

/** A log value without secrets: URLs' credentials and every password this process was given are masked. */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEYS.test(k) ? '***' : redact(v, depth + 1);
  return out;
}

const redactFormat = winston.format((info) => {
  for (const key of Object.keys(info)) {
    if (key === 'level') continue;
    (info as Record<string, unknown>)[key] = SECRET_KEYS.test(key) ? '***' : redact(info[key]);
  }
  return info;
});

export const logger = winston.createLogger({
  level: process.env.KONNEKTOR_LOG_LEVEL ?? 'warn',
  format: winston.format.combine(redactFormat(), winston.format.timestamp(), winston.format.json()),
  transports: [new winston.transports.Console({ stderrLevels: ['error', 'warn', 'info', 'debug'] })],
});

/**
 * Rotating log files in the user data folder (one file a day, 14 days kept, 20 MB each), through the same
 * redaction as the console. Called once by the desktop app and browser mode; returns the folder for the log view.
 */
export async function addFileLogging(dir: string, level = 'info'): Promise<string> {
  const { default: DailyRotateFile } = await import('winston-daily-rotate-file');
  // One log folder per process: a second runtime (tests) moves the file transport to its own folder.
  for (const t of logger.transports.filter((t) => t instanceof DailyRotateFile && (t as { dirname?: string }).dirname !== dir)) logger.remove(t);
  if (!logger.transports.some((t) => t instanceof DailyRotateFile)) {
    logger.add(
      new DailyRotateFile({
        dirname: dir,
        filename: 'konnektor-%DATE%.log',
        datePattern: 'YYYY-MM-DD',
        maxSize: '20m',
        maxFiles: '14d',
        level,
        format: winston.format.combine(redactFormat(), winston.format.timestamp(), winston.format.json()),
      }),
    );
    if (logger.levels[logger.level]! < logger.levels[level]!) {
      // The console keeps its quieter level; only the file gets the detail.
      for (const t of logger.transports) if (!(t instanceof DailyRotateFile) && !t.level) t.level = logger.level;
      logger.level = level;
    }
  }
  return dir;
}

/** Stops writing log files (a runtime shutting down, a test removing its folder). */
export async function removeFileLogging(): Promise<void> {
  const { default: DailyRotateFile } = await import('winston-daily-rotate-file');
  for (const t of logger.transports.filter((t) => t instanceof DailyRotateFile)) {
    logger.remove(t);
    await new Promise<void>((resolve) => {
      t.once('finish', () => resolve());
      t.end();
      setTimeout(resolve, 200);
    });
  }
}
