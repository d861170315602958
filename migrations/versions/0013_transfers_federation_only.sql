CREATE OR REPLACE FUNCTION public.lets_transfers_federation_only()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
    IF NEW.kind <> 'federation' AND EXISTS (
        SELECT 1 FROM accounts
         WHERE id IN (NEW.payer_id, NEW.payee_id) AND kind = 'federation'
    ) THEN
        RAISE EXCEPTION 'account_not_manageable: a federation clearing account moves only in federation transfers (transfer %)', NEW.id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$function$

