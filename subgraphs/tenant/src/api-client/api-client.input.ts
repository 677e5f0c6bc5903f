import { Field, InputType, Int } from 'type-graphql';
import { PersistedQueryMode } from './api-client.type';

@InputType('PersistedOperationInput')
export class PersistedOperationInput {
  @Field(() => String, { description: 'SHA-256 of body, lower-case hex' })
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'query, mutation or subscription' })
  type!: string;

  @Field(() => String)
  body!: string;
}

@InputType('PersistedQueryManifestInput', { description: "Apollo's persisted query manifest, as the file holds it" })
export class PersistedQueryManifestInput {
  @Field(() => String, { description: 'apollo-persisted-query-manifest' })
  format!: string;

  @Field(() => Int)
  version!: number;

  @Field(() => [PersistedOperationInput])
  operations!: PersistedOperationInput[];
}

@InputType('PublishPersistedQueriesInput')
export class PublishPersistedQueriesInput {
  @Field(() => String, { description: 'The client; created on its first publish' })
  client!: string;

  @Field(() => PersistedQueryManifestInput)
  manifest!: PersistedQueryManifestInput;

  @Field(() => PersistedQueryMode, { nullable: true, description: 'Also set the mode (a new client starts in ENFORCE)' })
  mode?: PersistedQueryMode | null;

  @Field(() => Boolean, {
    nullable: true,
    defaultValue: false,
    description: 'Retire the active operations the manifest leaves out (default: add to the set)',
  })
  replace?: boolean;
}

@InputType('OperationLimitOverridesInput', { description: 'Omitted or null: the gateway default' })
export class OperationLimitOverridesInput {
  @Field(() => Int, { nullable: true }) maxDepth?: number | null;
  @Field(() => Int, { nullable: true }) maxAliases?: number | null;
  @Field(() => Int, { nullable: true }) maxRootFields?: number | null;
  @Field(() => Int, { nullable: true }) maxDirectives?: number | null;
  @Field(() => Int, { nullable: true }) maxCost?: number | null;
  @Field(() => Int, { nullable: true }) maxTokens?: number | null;
  @Field(() => Int, { nullable: true }) maxCharacters?: number | null;
  @Field(() => Int, { nullable: true }) maxSelectionFields?: number | null;
}

@InputType('UpdateApiClientInput')
export class UpdateApiClientInput {
  @Field(() => String)
  client!: string;

  @Field(() => PersistedQueryMode, { nullable: true })
  mode?: PersistedQueryMode | null;

  @Field(() => OperationLimitOverridesInput, { nullable: true, description: 'Replaces all overrides ({} clears them)' })
  operationLimits?: OperationLimitOverridesInput | null;
}
