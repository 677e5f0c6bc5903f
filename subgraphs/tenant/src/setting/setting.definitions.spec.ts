import { parseSettingValue, settingDefinition } from './setting.definitions';

const refused = (reason: string) => expect.objectContaining({ code: reason });

describe('setting definitions', () => {
  it.each([
    ['security.mfa_required', 'true', true],
    ['security.session_timeout_minutes', '30', 30],
    ['ui.week_starts_on', '"sunday"', 'sunday'],
    ['notifications.webhook_url', '"https://hooks.example.com/x"', 'https://hooks.example.com/x'],
    ['integrations.smtp_password', '"p4ss"', 'p4ss'],
  ])('accepts a valid %s', (key, json, expected) => {
    expect(parseSettingValue(settingDefinition(key), json)).toEqual(expected);
  });

  it.each([
    ['security.mfa_required', '"yes"'],
    ['security.session_timeout_minutes', '4'],
    ['security.session_timeout_minutes', '30.5'],
    ['ui.week_starts_on', '"friday"'],
    ['notifications.webhook_url', '"http://hooks.example.com"'],
    ['notifications.webhook_url', '"https://user:pw@hooks.example.com"'],
    ['notifications.webhook_signing_secret', '"short"'],
  ])('refuses %s = %s with INVALID_VALUE', (key, json) => {
    expect(() => parseSettingValue(settingDefinition(key), json)).toThrow(refused('INVALID_VALUE'));
  });

  it('refuses unknown keys and text that is not JSON', () => {
    expect(() => settingDefinition('billing.discount')).toThrow(refused('UNKNOWN_SETTING'));
    expect(() => parseSettingValue(settingDefinition('ui.week_starts_on'), 'monday')).toThrow(refused('INVALID_JSON'));
  });
});
