import { ethers } from "hardhat";
import type { SecurityToken } from "../../typechain-types";
import type { TransferContextStruct } from "../../typechain-types/contracts/compliance/modules/IComplianceModule";

/**
 * The TransferContext a kosai token hands its compliance for moving units from `from` (zero: a mint) to
 * `to` (zero: a burn), read from the token's and its registry's public views as they stand now: the
 * recipient's identity and country, both balances, and the supply for a mint or a burn (zero for a
 * transfer between two wallets, as the token leaves it).
 */
export async function transferContextOf(token: SecurityToken, from: string, to: string): Promise<TransferContextStruct> {
  const zero = ethers.ZeroAddress;
  const registry = await ethers.getContractAt("IdentityRegistry", await token.identityRegistry());
  return {
    registry: await registry.getAddress(),
    toIdentity: to === zero ? zero : await registry.identity(to),
    toCountry: to === zero ? 0n : await registry.investorCountry(to),
    fromBalance: from === zero ? 0n : await token.balanceOf(from),
    toBalance: to === zero ? 0n : await token.balanceOf(to),
    totalSupply: from === zero || to === zero ? await token.totalSupply() : 0n,
  };
}
