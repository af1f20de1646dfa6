import { keyActionRoute } from "@/lib/http/key-action-route";
import { onlyPost } from "@/lib/http/mutation-route";

export const dynamic = "force-dynamic";

export const POST = keyActionRoute("release");
export const GET = onlyPost;
