// The identities the action tests act as: an on-call operator signed in through the SSO proxy.
import type { Identity } from "../../lib/auth/identity";

export const proxyOperator: Identity = {
  name: "olga@example.com",
  role: "operator",
  method: "proxy",
  email: "olga@example.com",
  groups: ["oncall"],
  ambient: true,
};
