/**
 * A JSON Schema validator for the subset Structured Outputs accepts: `type` (a name or an array of
 * names, which is how nullable fields are written), `properties`, `required`,
 * `additionalProperties`, `items`, `enum`, `const`, `anyOf`, `$ref` into `$defs` / `definitions`
 * (and `#` for recursion), plus the string, number and array bounds it allows (`pattern`,
 * `minLength`/`maxLength`, `minimum`/`maximum` and their exclusive forms, `multipleOf`,
 * `minItems`/`maxItems`). Other keywords (`description`, `title`, `format`, ...) are ignored.
 * Pure and small on purpose: it answers "does this answer honour the request's schema".
 */
import { canonicalJson } from './canonical-json.js';
import { isRecord } from './answer-body.js';

type Schema = Record<string, unknown>;

const maximumErrors = 5;
/** `$ref` hops without descending into the value: more means a reference loop. */
const maximumReferenceHops = 32;

interface Walk {
  root: Schema;
  errors: string[];
}

/** Validates `value` against `schema`; returns the first few errors as `path: message`. */
export function validateJsonSchema(value: unknown, schema: unknown): string[] {
  if (!isRecord(schema)) return [];
  const walk: Walk = { root: schema, errors: [] };
  check(walk, value, schema, '$', 0);
  return walk.errors.slice(0, maximumErrors);
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function hasType(value: unknown, type: unknown): boolean {
  switch (type) {
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'object':
    case 'array':
    case 'string':
    case 'boolean':
    case 'null':
      return typeOf(value) === type;
    default:
      return true; // an unknown type name is not ours to reject
  }
}

function resolveReference(root: Schema, reference: string): Schema | undefined {
  if (!reference.startsWith('#')) return undefined;
  let target: unknown = root;
  for (const raw of reference.slice(1).split('/').filter((part) => part !== '')) {
    const key = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
    target = isRecord(target) && Object.hasOwn(target, key) ? target[key] : undefined;
  }
  return isRecord(target) ? target : undefined;
}

function report(walk: Walk, path: string, message: string): void {
  walk.errors.push(`${path}: ${message}`);
}

function check(walk: Walk, value: unknown, schema: Schema, path: string, hops: number): void {
  if (walk.errors.length >= maximumErrors) return;
  if (typeof schema.$ref === 'string') {
    const target = resolveReference(walk.root, schema.$ref);
    if (target === undefined) return report(walk, path, `unresolvable $ref ${schema.$ref}`);
    if (hops >= maximumReferenceHops) return report(walk, path, `$ref loop at ${schema.$ref}`);
    return check(walk, value, target, path, hops + 1);
  }
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.some((type) => hasType(value, type))) {
      return report(walk, path, `expected ${types.join(' or ')}, got ${typeOf(value)}`);
    }
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((option) => canonicalJson(option) === canonicalJson(value))) {
    report(walk, path, `not one of ${JSON.stringify(schema.enum)}`);
  }
  if ('const' in schema && canonicalJson(schema.const) !== canonicalJson(value)) {
    report(walk, path, `expected the constant ${JSON.stringify(schema.const)}`);
  }
  if (Array.isArray(schema.anyOf)) checkAnyOf(walk, value, schema.anyOf, path, hops);
  if (isRecord(value)) checkObject(walk, value, schema, path);
  if (Array.isArray(value)) checkArray(walk, value, schema, path);
  if (typeof value === 'string') checkString(walk, value, schema, path);
  if (typeof value === 'number') checkNumber(walk, value, schema, path);
}

function checkAnyOf(walk: Walk, value: unknown, options: unknown[], path: string, hops: number): void {
  const matches = options.some((option) => {
    if (!isRecord(option)) return false;
    const trial: Walk = { root: walk.root, errors: [] };
    check(trial, value, option, path, hops);
    return trial.errors.length === 0;
  });
  if (!matches) report(walk, path, 'matches none of anyOf');
}

function checkObject(walk: Walk, value: Record<string, unknown>, schema: Schema, path: string): void {
  const properties = isRecord(schema.properties) ? schema.properties : {};
  for (const name of Array.isArray(schema.required) ? schema.required : []) {
    if (typeof name === 'string' && !Object.hasOwn(value, name)) report(walk, path, `missing required property '${name}'`);
  }
  for (const [name, propertyValue] of Object.entries(value)) {
    const propertyPath = `${path}.${name}`;
    const propertySchema = Object.hasOwn(properties, name) ? properties[name] : undefined;
    if (isRecord(propertySchema)) {
      check(walk, propertyValue, propertySchema, propertyPath, 0);
    } else if (propertySchema === undefined && schema.additionalProperties === false) {
      report(walk, path, `unexpected property '${name}'`);
    } else if (propertySchema === undefined && isRecord(schema.additionalProperties)) {
      check(walk, propertyValue, schema.additionalProperties, propertyPath, 0);
    }
  }
}

function checkArray(walk: Walk, value: unknown[], schema: Schema, path: string): void {
  if (typeof schema.minItems === 'number' && value.length < schema.minItems) report(walk, path, `fewer than ${schema.minItems} items`);
  if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) report(walk, path, `more than ${schema.maxItems} items`);
  const items = schema.items;
  if (isRecord(items)) value.forEach((item, index) => check(walk, item, items, `${path}[${index}]`, 0));
}

function checkString(walk: Walk, value: string, schema: Schema, path: string): void {
  const length = [...value].length;
  if (typeof schema.minLength === 'number' && length < schema.minLength) report(walk, path, `shorter than ${schema.minLength}`);
  if (typeof schema.maxLength === 'number' && length > schema.maxLength) report(walk, path, `longer than ${schema.maxLength}`);
  if (typeof schema.pattern === 'string') {
    let pattern: RegExp | undefined;
    try {
      pattern = new RegExp(schema.pattern, 'u');
    } catch {
      pattern = undefined; // a pattern JavaScript cannot read is not the answer's fault
    }
    if (pattern && !pattern.test(value)) report(walk, path, `does not match ${schema.pattern}`);
  }
}

function checkNumber(walk: Walk, value: number, schema: Schema, path: string): void {
  const bound = (name: string): number | undefined => (typeof schema[name] === 'number' ? (schema[name] as number) : undefined);
  const minimum = bound('minimum');
  const maximum = bound('maximum');
  const exclusiveMinimum = bound('exclusiveMinimum');
  const exclusiveMaximum = bound('exclusiveMaximum');
  const multipleOf = bound('multipleOf');
  if (minimum !== undefined && value < minimum) report(walk, path, `below the minimum ${minimum}`);
  if (maximum !== undefined && value > maximum) report(walk, path, `above the maximum ${maximum}`);
  if (exclusiveMinimum !== undefined && value <= exclusiveMinimum) report(walk, path, `not above ${exclusiveMinimum}`);
  if (exclusiveMaximum !== undefined && value >= exclusiveMaximum) report(walk, path, `not below ${exclusiveMaximum}`);
  if (multipleOf !== undefined && multipleOf > 0 && !Number.isInteger(value / multipleOf)) {
    report(walk, path, `not a multiple of ${multipleOf}`);
  }
}
