import { describe, expect, it } from 'vitest';
import { validateJsonSchema } from '../../src/migration/json-schema.js';

const event = {
  type: 'object',
  properties: {
    title: { type: 'string', minLength: 1 },
    date: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
    attendees: { type: 'array', items: { type: 'string' }, maxItems: 3 },
    budget: { type: ['number', 'null'], minimum: 0 },
    status: { enum: ['planned', 'done'] },
    kind: { const: 'event' },
    location: { anyOf: [{ type: 'string' }, { $ref: '#/$defs/place' }] },
  },
  required: ['title', 'date', 'attendees', 'budget', 'status', 'kind', 'location'],
  additionalProperties: false,
  $defs: {
    place: {
      type: 'object',
      properties: { city: { type: 'string' }, room: { type: 'integer' } },
      required: ['city', 'room'],
      additionalProperties: false,
    },
  },
};

const valid = {
  title: 'Offsite',
  date: '2026-03-14',
  attendees: ['Ana', 'Rui'],
  budget: null,
  status: 'planned',
  kind: 'event',
  location: { city: 'Porto', room: 2 },
};

describe('validateJsonSchema', () => {
  it.each([
    ['the full example', valid],
    ['a nullable field with a value', { ...valid, budget: 120.5 }],
    ['the other anyOf branch', { ...valid, location: 'online' }],
  ])('accepts %s', (_name, value) => {
    expect(validateJsonSchema(value, event)).toEqual([]);
  });

  it.each([
    ['a missing required property', { ...valid, kind: undefined }, ["$: missing required property 'kind'"]],
    ['an extra property', { ...valid, extra: 1 }, ["$: unexpected property 'extra'"]],
    ['a wrong type', { ...valid, title: 3 }, ['$.title: expected string, got number']],
    ['null where not allowed', { ...valid, title: null }, ['$.title: expected string, got null']],
    ['a value outside enum', { ...valid, status: 'cancelled' }, ['$.status: not one of ["planned","done"]']],
    ['a wrong constant', { ...valid, kind: 'meeting' }, ['$.kind: expected the constant "event"']],
    ['a wrong item type', { ...valid, attendees: ['Ana', 7] }, ['$.attendees[1]: expected string, got number']],
    ['too many items', { ...valid, attendees: ['a', 'b', 'c', 'd'] }, ['$.attendees: more than 3 items']],
    ['a pattern mismatch', { ...valid, date: '14 March' }, ['$.date: does not match ^\\d{4}-\\d{2}-\\d{2}$']],
    ['below the minimum', { ...valid, budget: -1 }, ['$.budget: below the minimum 0']],
    ['an empty string under minLength', { ...valid, title: '' }, ['$.title: shorter than 1']],
    ['no anyOf branch (bad $ref target)', { ...valid, location: { city: 'Porto', room: 1.5 } }, ['$.location: matches none of anyOf']],
    ['not an object at all', [valid], ['$: expected object, got array']],
  ])('rejects %s', (_name, value, errors) => {
    const withoutUndefined = JSON.parse(JSON.stringify(value));
    expect(validateJsonSchema(withoutUndefined, event)).toEqual(errors);
  });

  it('distinguishes integer from number', () => {
    expect(validateJsonSchema(2, { type: 'integer' })).toEqual([]);
    expect(validateJsonSchema(2.5, { type: 'integer' })).toEqual(['$: expected integer, got number']);
    expect(validateJsonSchema(2.5, { type: 'number' })).toEqual([]);
  });

  it('follows recursive $ref to the root and into definitions', () => {
    const tree = {
      type: 'object',
      properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#' } } },
      required: ['name', 'children'],
      additionalProperties: false,
    };
    expect(validateJsonSchema({ name: 'a', children: [{ name: 'b', children: [] }] }, tree)).toEqual([]);
    expect(validateJsonSchema({ name: 'a', children: [{ name: 'b', children: [{ name: 1, children: [] }] }] }, tree)).toEqual([
      '$.children[0].children[0].name: expected string, got number',
    ]);
    const legacy = { definitions: { id: { type: 'string' } }, $ref: '#/definitions/id' };
    expect(validateJsonSchema(4, legacy)).toEqual(['$: expected string, got number']);
  });

  it('reports an unresolvable $ref and stops a $ref loop', () => {
    expect(validateJsonSchema(1, { $ref: '#/$defs/missing' })).toEqual(['$: unresolvable $ref #/$defs/missing']);
    const loop = { $defs: { a: { $ref: '#/$defs/b' }, b: { $ref: '#/$defs/a' } }, $ref: '#/$defs/a' };
    expect(validateJsonSchema(1, loop)[0]).toMatch(/\$ref loop/);
  });

  it('compares enum and const values by JSON value, keys in any order', () => {
    expect(validateJsonSchema({ b: 1, a: 2 }, { const: { a: 2, b: 1 } })).toEqual([]);
    expect(validateJsonSchema({ a: 1 }, { enum: [{ a: 2 }] })).toHaveLength(1);
  });

  it('keeps at most five errors and ignores keywords outside the subset', () => {
    const many = { type: 'object', properties: Object.fromEntries('abcdefg'.split('').map((key) => [key, { type: 'string' }])) };
    expect(validateJsonSchema(Object.fromEntries('abcdefg'.split('').map((key) => [key, 1])), many)).toHaveLength(5);
    expect(validateJsonSchema('x', { type: 'string', format: 'email', description: 'ignored' })).toEqual([]);
  });
});
