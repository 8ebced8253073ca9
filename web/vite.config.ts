import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

/** Where `vite dev` sends /v1 requests (a running `brink server` or `brink dev`). */
const api = process.env.BRINK_ADDR ?? "http://127.0.0.1:7700";

// The dashboard is served by `brink server` at /ui/ from dist/web (see src/server/ui.ts).
export default defineConfig({
  root: import.meta.dirname,
  base: "/ui/",
  plugins: [react()],
  build: {
    outDir: "../dist/web",
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    reportCompressedSize: false,
  },
  server: {
    proxy: { "/v1": { target: api, changeOrigin: true } },
  },
});
