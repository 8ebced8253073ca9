export { type Flow, maxMinFairShare } from "./fair-share.js";
export { type Link, type LinkFigures, TopologyGraph } from "./graph.js";
export { type Route, shortestPath, widestPath } from "./paths.js";
