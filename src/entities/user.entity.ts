import { Entity, Enum, Index, Opt, Property, Unique } from '@mikro-orm/core';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { BaseEntity } from './base.entity';

export enum Role {
  USER = 'USER',
  ADMIN = 'ADMIN',
}
registerEnumType(Role, { name: 'Role', description: 'What a member may do.' });

/** A member account. Phone and address are stored encrypted (AES-256-GCM). */
@ObjectType('User')
@Entity({ tableName: 'users' })
export class User extends BaseEntity {
  /** Normalised (NFKC, lower case) by the auth service; the column compares byte for byte. */
  @Field()
  @Unique()
  @Property({ type: 'string', length: 254 })
  email!: string;

  @Property({ type: 'string', length: 255, hidden: true })
  passwordHash!: string;

  @Field()
  @Property({ type: 'string', length: 100 })
  name!: string;

  @Field(() => Role)
  @Enum({ items: () => Role, type: 'string', length: 16 })
  role: Role & Opt = Role.USER;

  @Index()
  @Property({ type: 'datetime', length: 3, nullable: true })
  emailVerifiedAt?: Date | null;

  @Property({ type: 'text', nullable: true, hidden: true })
  phoneCipher?: string | null;

  @Property({ type: 'text', nullable: true, hidden: true })
  addressCipher?: string | null;
}
