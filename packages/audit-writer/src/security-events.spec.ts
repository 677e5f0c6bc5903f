import { emailPseudonym } from './security-events';

describe('emailPseudonym', () => {
  it('maps one address, however written, to one hash and a redacted form that keeps only the first letter and the domain', () => {
    const a = emailPseudonym('Jane.Doe@Example.com ');
    const b = emailPseudonym('jane.doe@example.com');

    expect(a).toEqual(b);
    expect(a.emailHash).toMatch(/^[0-9a-f]{64}$/);
    expect(a.emailRedacted).toBe('j***@example.com');
    expect(JSON.stringify(a)).not.toContain('jane.doe');
  });

  it('gives different addresses different hashes', () => {
    expect(emailPseudonym('a@example.com').emailHash).not.toBe(emailPseudonym('b@example.com').emailHash);
  });
});
