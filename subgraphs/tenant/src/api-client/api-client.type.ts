import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum PersistedQueryMode {
  OFF = 'off',
  AUDIT = 'audit',
  ENFORCE = 'enforce',
}
registerEnumType(PersistedQueryMode, {
  name: 'PersistedQueryMode',
  description: 'OFF: any operation; AUDIT: unlisted operations run but are logged and counted; ENFORCE: only listed operations, no APQ',
});

@ObjectType('OperationLimitOverrides', { description: "A client's own operation limits; null = the gateway's default" })
export class OperationLimitOverrides {
  @Field(() => Int, { nullable: true }) maxDepth?: number;
  @Field(() => Int, { nullable: true }) maxAliases?: number;
  @Field(() => Int, { nullable: true }) maxRootFields?: number;
  @Field(() => Int, { nullable: true }) maxDirectives?: number;
  @Field(() => Int, { nullable: true }) maxCost?: number;
  @Field(() => Int, { nullable: true }) maxTokens?: number;
  @Field(() => Int, { nullable: true }) maxCharacters?: number;
}

@ObjectType('ApiClient', { description: 'A frontend or partner integration with its persisted-query safelist' })
export class ApiClient {
  @Field(() => String)
  name!: string;

  @Field(() => PersistedQueryMode)
  mode!: PersistedQueryMode;

  @Field(() => OperationLimitOverrides)
  operationLimits!: OperationLimitOverrides;

  @Field(() => Int, { description: 'How many manifests were published (0: none yet)' })
  manifestVersion!: number;

  @Field(() => Int, { description: 'Operations the client may run by id now' })
  operationCount!: number;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;
}

@ObjectType('PersistedQueryPublication')
export class PersistedQueryPublication {
  @Field(() => ApiClient)
  client!: ApiClient;

  @Field(() => Int, { description: "The client's manifest version this publish created" })
  version!: number;

  @Field(() => Boolean, { description: 'Operations left out of the manifest were retired' })
  replaced!: boolean;

  @Field(() => Int, { description: 'Active operations after the publish' })
  operations!: number;

  @Field(() => Int) added!: number;
  @Field(() => Int) retired!: number;
  @Field(() => Int, { description: 'Operations of the manifest the client already had' })
  unchanged!: number;
}
