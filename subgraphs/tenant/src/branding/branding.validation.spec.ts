import { MAX_CSS_BYTES, validateColor, validateCss, validateLogoUrl } from './branding.validation';

const refused = (code: string) => expect.objectContaining({ code });

describe('branding validation', () => {
  it('accepts https logos and lower-cases hex colours', () => {
    expect(validateLogoUrl('https://cdn.example.com/logo.svg')).toBe('https://cdn.example.com/logo.svg');
    expect(validateColor('primaryColor', '#1A2B3C')).toBe('#1a2b3c');
    expect(validateLogoUrl(null)).toBeNull();
  });

  it.each(['http://cdn.example.com/logo.png', 'javascript:alert(1)', 'https://u:p@cdn.example.com/x.png', 'not a url'])(
    'refuses the logo %s',
    (url) => expect(() => validateLogoUrl(url)).toThrow(refused('INVALID_LOGO_URL')),
  );

  it.each(['red', '#fff', '#12345g', '1a2b3c'])('refuses the colour %s', (c) => {
    expect(() => validateColor('accentColor', c)).toThrow(refused('INVALID_COLOR'));
  });

  it('accepts CSS up to the limit and refuses one byte more', () => {
    const rule = '.a{color:red}';
    const atLimit = rule.padEnd(MAX_CSS_BYTES, ' ');
    expect(validateCss(atLimit)).toBe(atLimit);
    expect(() => validateCss(`${atLimit} `)).toThrow(refused('CSS_TOO_LARGE'));
  });

  it.each([
    '</style><script>alert(1)</script>',
    '@import url(https://evil.example/x.css);',
    'body{background:url(http://tracker.example/p.gif)}',
    'body{background:url(javascript:alert(1))}',
    'a{width:expression(alert(1))}',
    'a{content:"\\3c/style\\3e"}',
  ])('refuses CSS that escapes its box: %s', (css) => {
    expect(() => validateCss(css)).toThrow(refused('CSS_NOT_ALLOWED'));
  });

  it('allows https images in CSS', () => {
    expect(validateCss('body{background:url("https://cdn.example.com/bg.png")}')).toContain('https://');
  });
});
