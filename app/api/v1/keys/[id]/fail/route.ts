import { keyActionRoute } from "@/lib/edge/http/key-action-route";
import { onlyPost } from "@/lib/edge/http/mutation-route";

export const dynamic = "force-dynamic";

export const POST = keyActionRoute("fail");
export const GET = onlyPost;
