import { SettingDomainError, SettingErrorCode } from './setting.errors';

export type SettingValue = boolean | number | string;

interface Base {
  key: string;
  description: string;
  /** Secret settings are encrypted at rest and never returned by the API. */
  secret?: boolean;
}
export type SettingDefinition = Base &
  (
    | { type: 'boolean'; default?: boolean }
    | { type: 'integer'; min: number; max: number; default?: number }
    | { type: 'string'; minLength?: number; maxLength: number; default?: string }
    | { type: 'https_url'; default?: string }
    | { type: 'enum'; values: readonly string[]; default?: string }
  );

/** Every setting a tenant can have, with its type and the rule its value must meet. */
export const SETTING_DEFINITIONS: readonly SettingDefinition[] = [
  { key: 'security.mfa_required', type: 'boolean', default: false, description: 'Members must use a second factor' },
  {
    key: 'security.session_timeout_minutes',
    type: 'integer',
    min: 5,
    max: 1440,
    default: 60,
    description: 'Idle minutes before a session ends',
  },
  {
    key: 'ui.week_starts_on',
    type: 'enum',
    values: ['monday', 'sunday', 'saturday'],
    default: 'monday',
    description: 'First day of the week',
  },
  { key: 'notifications.webhook_url', type: 'https_url', description: 'Where change notifications are POSTed' },
  {
    key: 'notifications.webhook_signing_secret',
    type: 'string',
    minLength: 16,
    maxLength: 200,
    secret: true,
    description: 'Signs webhook deliveries (write-only)',
  },
  { key: 'integrations.smtp_password', type: 'string', maxLength: 500, secret: true, description: 'Outgoing mail password (write-only)' },
];

const byKey = new Map(SETTING_DEFINITIONS.map((d) => [d.key, d]));

export function settingDefinition(key: string): SettingDefinition {
  const definition = byKey.get(key);
  if (!definition) throw new SettingDomainError(SettingErrorCode.UNKNOWN_SETTING, `No setting ${key}`, { key });
  return definition;
}

/** Parses the JSON text a client sent and checks it against the setting's rule. */
export function parseSettingValue(definition: SettingDefinition, json: string): SettingValue {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new SettingDomainError(SettingErrorCode.INVALID_JSON, 'value must be JSON, e.g. true, 30 or "monday"', { key: definition.key });
  }
  const invalid = (rule: string) =>
    new SettingDomainError(SettingErrorCode.INVALID_VALUE, `${definition.key} must be ${rule}`, { key: definition.key });
  switch (definition.type) {
    case 'boolean':
      if (typeof value !== 'boolean') throw invalid('true or false');
      return value;
    case 'integer':
      if (!Number.isInteger(value) || (value as number) < definition.min || (value as number) > definition.max) {
        throw invalid(`a whole number from ${definition.min} to ${definition.max}`);
      }
      return value as number;
    case 'string': {
      const min = definition.minLength ?? 1;
      if (typeof value !== 'string' || value.length < min || value.length > definition.maxLength) {
        throw invalid(`a string of ${min} to ${definition.maxLength} characters`);
      }
      return value;
    }
    case 'https_url': {
      if (typeof value !== 'string' || value.length > 2048) throw invalid('an https URL');
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        throw invalid('an https URL');
      }
      if (url.protocol !== 'https:' || url.username || url.password) throw invalid('an https URL without credentials');
      return url.toString();
    }
    case 'enum':
      if (typeof value !== 'string' || !definition.values.includes(value)) throw invalid(`one of ${definition.values.join(', ')}`);
      return value;
  }
}
