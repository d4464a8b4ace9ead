// jcomfy's frontend extension. The server lists it in /api/extensions and serves it at
// /extensions/jcomfy/jcomfy.js; the frontend imports it like a custom node's web directory.
// It registers an (as yet) empty extension named "jcomfy": the place for jcomfy's UI additions.
import { app } from "../../scripts/app.js";

app.registerExtension({
  name: "jcomfy",
});
