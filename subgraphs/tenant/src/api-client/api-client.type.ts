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
  @Field(() => Int, { nullable: true }) maxSelectionFields?: number;
}

@ObjectType('PersistedOperation', { description: 'An operation a client was given; retired ones stay for history' })
export class PersistedOperation {
  @Field(() => String, { description: 'SHA-256 of body, hex' })
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  type!: string;

  @Field(() => String)
  body!: string;

  @Field(() => Int, { description: 'Manifest version that first published it' })
  firstVersion!: number;

  @Field(() => Int, { description: 'Latest manifest version that (re)published it' })
  lastVersion!: number;

  @Field(() => Date, { nullable: true, description: 'When a replacing publish left it out' })
  retiredAt!: Date | null;
}

@ObjectType('PersistedQueryPublicationRecord', { description: "One publish of a client's manifest" })
export class PersistedQueryPublicationRecord {
  @Field(() => Int) version!: number;
  @Field(() => Boolean) replaced!: boolean;
  @Field(() => Int, { description: 'Operations in the published manifest' }) operations!: number;
  @Field(() => Int) added!: number;
  @Field(() => Int) retired!: number;
  @Field(() => String, { description: 'SHA-256 of the manifest as sent' }) manifestSha256!: string;
  @Field(() => String, { nullable: true }) publishedBy!: string | null;
  @Field(() => String, { nullable: true }) requestId!: string | null;
  @Field(() => Date) publishedAt!: Date;
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
