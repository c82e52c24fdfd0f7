// Request bodies of the REST routes: read with a size bound, then parsed as JSON
// or as an HTML form. Parsing only; what the fields mean is the procedures' job.
import type { IncomingMessage } from 'node:http';
import { readBoundedText } from '../body';
import { nestsDeeperThan, tooDeeplyNested } from '../json';
import { RestError, unprocessable } from './errors';

async function readText(req: IncomingMessage): Promise<string> {
  const text = await readBoundedText(req);
  if (text === null) throw new RestError(413, 'Request body is too large.');
  return text;
}

function contentType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** A JSON object body; an empty body counts as `{}`. */
export async function readJsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const text = await readText(req);
  if (text.trim() === '') return {};
  if (nestsDeeperThan(text)) {
    throw unprocessable([
      { loc: ['body'], msg: `JSON decode error: ${tooDeeplyNested}`, type: 'json_invalid' },
    ]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw unprocessable([{ loc: ['body'], msg: 'JSON decode error', type: 'json_invalid' }]);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw unprocessable([
      {
        loc: ['body'],
        msg: 'Input should be a valid dictionary or object to extract fields from',
        type: 'model_attributes_type',
      },
    ]);
  }
  return parsed as Record<string, unknown>;
}

/** An `application/x-www-form-urlencoded` body; any other type yields no fields. */
export async function readFormBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const text = await readText(req);
  if (contentType(req) !== 'application/x-www-form-urlencoded') return {};
  return Object.fromEntries(new URLSearchParams(text));
}
