import { KeyNotFound } from "@/components/keys/KeyNotFound";

export default function NotFound() {
  return <KeyNotFound />;
}
