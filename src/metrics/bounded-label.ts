/**
 * A label whose values come from outside (model names): the first `limit` distinct values are
 * kept as they are, every later one is `other`, so the number of series stays bounded whatever
 * clients send; a value longer than 100 characters is `other` too. A value seen before is one Set lookup.
 */
export class BoundedLabel {
  private readonly kept = new Set<string>();

  constructor(private readonly limit: number) {}

  of(value: string): string {
    if (this.kept.has(value)) return value;
    if (this.kept.size >= this.limit || value.length > 100) return 'other';
    this.kept.add(value);
    return value;
  }
}
