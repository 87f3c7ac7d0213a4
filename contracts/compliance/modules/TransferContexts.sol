// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TransferContext} from "./IComplianceModule.sol";

/// @title TransferContexts
/// @notice The one definition of how a balance change moves a {TransferContext}, shared by the compliance
/// (which tells action-only modules the state after the change) and the modules that check and record in
/// one call (which derive it from the state before).
library TransferContexts {
    /// @notice Turns `context`, the state before moving `amount` from `from` to `to`, into the state after
    /// it, in place: balances move by `amount` (a move to oneself leaves them alone), and for a mint
    /// (`from` zero) or a burn (`to` zero) so does the supply.
    /// @param from the sender (zero: a mint).
    /// @param to the recipient (zero: a burn).
    /// @param amount the units moved.
    /// @param context the state before the change; holds the state after it on return.
    function applyChange(address from, address to, uint256 amount, TransferContext memory context) internal pure {
        if (from == to) return;
        if (from == address(0)) context.totalSupply += amount;
        else context.fromBalance -= amount;
        if (to == address(0)) context.totalSupply -= amount;
        else context.toBalance += amount;
    }
}
