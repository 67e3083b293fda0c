/**
 * Answers kept by key, bounded: the newest `generation` entries, and those of the generation before. When the new
 * generation is full it becomes the old one and the old one is dropped, so what one file asks stays kept while it
 * is linted, and a run over many files holds at most two generations. An old entry read again joins the new one.
 */
export class KeptMap<V> {
  private young = new Map<string, V>();
  private old = new Map<string, V>();

  constructor(private readonly generation: number) {}

  get(key: string): V | undefined {
    const value = this.young.get(key);
    if (value !== undefined) return value;
    const aged = this.old.get(key);
    if (aged !== undefined) this.set(key, aged);
    return aged;
  }

  set(key: string, value: V): void {
    if (this.young.size >= this.generation) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, value);
  }

  /** Entries kept now (those of both generations, an entry in both counted once). */
  get size(): number {
    let size = this.young.size;
    for (const key of this.old.keys()) if (!this.young.has(key)) size++;
    return size;
  }

  clear(): void {
    this.young.clear();
    this.old.clear();
  }
}

/**
 * `read` kept by the text it reads, bounded (a `KeptMap` of `generation`): for pure readers that an evaluation asks
 * the same few texts over and over (dates, addresses, ARN parts). A text read as nothing is kept as nothing too.
 */
export function keptByText<T>(read: (text: string) => T | undefined, generation = 10_000): (text: string) => T | undefined {
  const kept = new KeptMap<T | null>(generation);
  return (text) => {
    let value = kept.get(text);
    if (value === undefined) kept.set(text, (value = read(text) ?? null));
    return value ?? undefined;
  };
}
