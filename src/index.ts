/** Worker entry: the app, with the policy validated and compiled once per isolate. */
import { createApp } from "./app";
import { activePolicy } from "./policy/active";

export default createApp({ policy: activePolicy() });
