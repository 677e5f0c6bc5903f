import * as argon2 from 'argon2';

export interface Argon2Parameters {
  memoryKib: number;
  timeCost: number;
  parallelism: number;
}

/** argon2id with configured cost; hashes carry their parameters, so old ones still verify. */
export class PasswordHasher {
  private dummyHash: Promise<string> | undefined;

  constructor(private readonly params: Argon2Parameters) {}

  private get options() {
    return {
      type: argon2.argon2id,
      memoryCost: this.params.memoryKib,
      timeCost: this.params.timeCost,
      parallelism: this.params.parallelism,
    } as const;
  }

  hash(password: string): Promise<string> {
    return argon2.hash(password, this.options);
  }

  async verify(hash: string, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false;
    }
  }

  /** Spends the time of one verification, so an unknown email answers as slowly as a known one. */
  async verifyNothing(password: string): Promise<false> {
    this.dummyHash ??= this.hash('tenantry-timing-equaliser');
    await this.verify(await this.dummyHash, password);
    return false;
  }

  /** True when a stored hash was made with other parameters than the configured ones. */
  needsRehash(hash: string): boolean {
    return argon2.needsRehash(hash, this.options);
  }
}
