import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { withBalancesFixture } from "../fixtures/suite.fixture";

describe("smoke", () => {
  it("transfers", async () => {
    const { token, accounts } = await loadFixture(withBalancesFixture);
    const tx = await token.connect(accounts.alice).transfer(accounts.bob.address, 100n);
    const r = await tx.wait();
    console.log("transfer gas", r!.gasUsed);
    const tx2 = await token.connect(accounts.alice).transfer(accounts.charlie.address, 100n);
    console.log("transfer new holder gas", (await tx2.wait())!.gasUsed);
    expect(await token.balanceOf(accounts.bob.address)).to.equal(600n);
  });
});
