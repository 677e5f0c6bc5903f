import { Field, InputType } from 'type-graphql';

@InputType('SetTenantSettingInput')
export class SetTenantSettingInput {
  @Field(() => String)
  key!: string;

  @Field(() => String, { description: 'JSON text: true, 30, "monday", "https://…"' })
  value!: string;
}
