import { Entity, Index, ManyToOne, Opt, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { User } from './user.entity';

/** One login: the family every rotated refresh token of that login belongs to. */
@Entity({ tableName: 'sessions' })
export class Session {
  // Random id; it is the `sid` claim of every access token issued for this session.
  @PrimaryKey({ type: 'string', length: 36 })
  id!: string;

  @ManyToOne(() => User, { deleteRule: 'cascade' })
  user!: User;

  @Property({ type: 'datetime', length: 3 })
  createdAt: Date & Opt = new Date();

  @Property({ type: 'datetime', length: 3 })
  expiresAt!: Date;

  @Index()
  @Property({ type: 'datetime', length: 3, nullable: true })
  revokedAt?: Date | null;

  @Property({ type: 'string', length: 32, nullable: true })
  revokeReason?: string | null;
}

/** A refresh token of a session, stored as its SHA-256; each one is good for one rotation. */
@Entity({ tableName: 'refresh_tokens' })
export class RefreshToken {
  @PrimaryKey({ type: 'integer', unsigned: true, autoincrement: true })
  id!: number;

  @ManyToOne(() => Session, { deleteRule: 'cascade' })
  session!: Session;

  @Unique()
  @Property({ type: 'string', length: 64 })
  tokenHash!: string;

  @Property({ type: 'datetime', length: 3 })
  createdAt: Date & Opt = new Date();

  @Property({ type: 'datetime', length: 3, nullable: true })
  usedAt?: Date | null;
}
