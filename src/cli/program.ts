import { Command } from "commander";
import { BRINK_VERSION } from "../server/version.js";
import { POLICIES } from "../sim/policy-names.js";
import { agentCommand } from "./commands/agent.js";
import { allocCommands } from "./commands/alloc.js";
import { devCommand } from "./commands/dev.js";
import { eventsCommand } from "./commands/events.js";
import { jobCommands } from "./commands/job.js";
import { nodeCommands } from "./commands/node.js";
import { openapiCommand } from "./commands/openapi.js";
import { serverCommand } from "./commands/server.js";
import { serviceCommands } from "./commands/service.js";
import type { CliContext } from "./commands/shared.js";
import { simCommand } from "./commands/sim.js";
import { topologyCommands } from "./commands/topology.js";
import { workflowCommands } from "./commands/workflow.js";

/** The `brink` command tree. */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command("brink")
    .description("Brink: run and keep work running on fleets of edge machines")
    .version(BRINK_VERSION)
    .option("--addr <url>", "server address [env BRINK_ADDR, default http://127.0.0.1:7700]")
    .option("--token <token>", "API token [env BRINK_TOKEN, default ./.brink/admin.token]")
    .option("--json", "print JSON instead of tables")
    .showHelpAfterError()
    .exitOverride()
    .addHelpText(
      "after",
      `
Quick start:
  brink dev --demo                  # a server and 3 agents on this machine
  brink job run examples/hello.yaml
  brink job status hello
  brink alloc logs <alloc-id>

Exit codes: 0 ok; 1 the request failed (refused, unreachable, or unplaceable in 'job plan'); 2 bad usage or input.`,
    );
  serverCommand(program, ctx);
  agentCommand(program, ctx);
  devCommand(program, ctx);
  nodeCommands(program, ctx);
  jobCommands(program, ctx);
  allocCommands(program, ctx);
  topologyCommands(program, ctx);
  eventsCommand(program, ctx);
  serviceCommands(program, ctx);
  openapiCommand(program, ctx);
  workflowCommands(program, ctx);
  simCommand(program, ctx, POLICIES);
  return program;
}
