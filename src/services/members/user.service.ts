import type { RequestContext, Viewer } from '../../context';
import { Role, User } from '../../entities/user.entity';
import { NotFoundError } from '../../errors';
import type { FieldCipher } from '../common/field-cipher';

export interface ProfileChanges {
  name?: string;
  /** `null` clears the value; `undefined` leaves it as it is. */
  phone?: string | null;
  address?: string | null;
}

/** Member profiles; phone and address are encrypted on write and decrypted for their owner. */
export class UserService {
  constructor(private readonly cipher: FieldCipher) {}

  async me(ctx: RequestContext, viewer: Viewer): Promise<User> {
    const user = await ctx.em.findOne(User, viewer.userId);
    if (!user) throw new NotFoundError('User', viewer.userId);
    return user;
  }

  async updateProfile(ctx: RequestContext, viewer: Viewer, changes: ProfileChanges): Promise<User> {
    const user = await this.me(ctx, viewer);
    if (changes.name !== undefined) user.name = changes.name.trim();
    if (changes.phone !== undefined) user.phoneCipher = this.cipher.encryptNullable(changes.phone);
    if (changes.address !== undefined)
      user.addressCipher = this.cipher.encryptNullable(changes.address);
    await ctx.em.flush();
    return user;
  }

  /** Personal data is readable by its owner and by admins only. */
  personal(viewer: Viewer | null, user: User, field: 'phone' | 'address'): string | null {
    if (!viewer || (viewer.userId !== user.id && viewer.role !== Role.ADMIN)) return null;
    return this.cipher.decryptNullable(field === 'phone' ? user.phoneCipher : user.addressCipher);
  }
}
