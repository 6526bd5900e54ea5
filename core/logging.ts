import winston from 'winston';

/** Keys whose values never reach a log line. */
const SECRET_KEYS = /pass(word)?|secret|token|sifre|şifre|cookie|authorization/i;
const URL_PASSWORD = /(\w+:\/\/[^:/@\s]*):[^@\s]*@/g;

export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.replace(URL_PASSWORD, '$1:***@');
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
